/** Injection token of {@link TodoListStorageOptions}. */
export const TODOLIST_STORAGE_OPTIONS = Symbol('TODOLIST_STORAGE_OPTIONS');

/** Where the todo items are stored. */
export interface TodoListStorageOptions {
  /** Path of the SQLite data file, or `:memory:` for a throw-away database (tests). */
  readonly databasePath: string;
}
