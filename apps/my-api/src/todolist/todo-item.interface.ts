/** A todo item as todolist-service returns it. */
export interface TodoItem {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
  readonly owner: { readonly oid: string; readonly tid: string };
  readonly createdAt: string;
  readonly updatedAt: string;
}
