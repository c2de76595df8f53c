/**
 * Who owns a todo item: the user's object ID and tenant ID, as Microsoft Entra ID puts them in the
 * `oid` and `tid` claims. Both are needed: an `oid` is unique only within its tenant.
 */
export interface TodoOwner {
  readonly oid: string;
  readonly tid: string;
}

/** A todo item as the API returns it. */
export interface TodoItem {
  readonly id: string;
  readonly title: string;
  readonly done: boolean;
  readonly owner: TodoOwner;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The authenticated caller, reduced to what the ownership rules need.
 *
 * - `user`: a delegated token (`scp` contains `access_as_user`); sees and edits only its own items.
 * - `app`: an app-only token with the `TodoList.ReadWrite.All` application permission; sees and edits
 *   every item, and may create items for a given owner.
 */
export type TodoCaller =
  | { readonly kind: 'user'; readonly oid: string; readonly tid: string }
  | { readonly kind: 'app'; readonly oid: string; readonly tid: string; readonly clientId: string | undefined };
