import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import Database from 'better-sqlite3';
import type { TodoItem, TodoOwner } from './todo-item.interface.js';
import { TODOLIST_STORAGE_OPTIONS, type TodoListStorageOptions } from './todolist.constants.js';

interface TodoRow {
  id: string;
  title: string;
  done: number;
  owner_oid: string;
  owner_tid: string;
  created_at: string;
  updated_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS todos (
  id         TEXT PRIMARY KEY,
  title      TEXT NOT NULL,
  done       INTEGER NOT NULL DEFAULT 0,
  owner_oid  TEXT NOT NULL,
  owner_tid  TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS todos_owner ON todos (owner_tid, owner_oid, created_at);
`;

function toItem(row: TodoRow): TodoItem {
  return {
    id: row.id,
    title: row.title,
    done: row.done === 1,
    owner: { oid: row.owner_oid, tid: row.owner_tid },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Todo items in SQLite (better-sqlite3): a data file that survives restarts, or `:memory:` in
 * tests. Knows nothing about callers; the ownership rules live in `TodoListService`.
 */
@Injectable()
export class TodoListRepository implements OnModuleDestroy {
  private readonly db: Database.Database;
  private readonly statements: {
    all: Database.Statement<[], TodoRow>;
    byOwner: Database.Statement<[string, string], TodoRow>;
    byId: Database.Statement<[string], TodoRow>;
    insert: Database.Statement<[TodoRow]>;
    update: Database.Statement<[{ id: string; title: string; done: number; updated_at: string }]>;
    remove: Database.Statement<[string]>;
  };

  constructor(@Inject(TODOLIST_STORAGE_OPTIONS) options: TodoListStorageOptions) {
    const path = options.databasePath;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // WAL keeps readers and the writer from blocking each other; irrelevant for :memory:.
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    this.statements = {
      all: this.db.prepare('SELECT * FROM todos ORDER BY created_at, rowid'),
      byOwner: this.db.prepare('SELECT * FROM todos WHERE owner_oid = ? AND owner_tid = ? ORDER BY created_at, rowid'),
      byId: this.db.prepare('SELECT * FROM todos WHERE id = ?'),
      insert: this.db.prepare(
        'INSERT INTO todos (id, title, done, owner_oid, owner_tid, created_at, updated_at) ' +
          'VALUES (@id, @title, @done, @owner_oid, @owner_tid, @created_at, @updated_at)',
      ),
      update: this.db.prepare('UPDATE todos SET title = @title, done = @done, updated_at = @updated_at WHERE id = @id'),
      remove: this.db.prepare('DELETE FROM todos WHERE id = ?'),
    };
  }

  /** Every item, oldest first. */
  findAll(): TodoItem[] {
    return this.statements.all.all().map(toItem);
  }

  /** The items of one owner, oldest first. */
  findByOwner(owner: TodoOwner): TodoItem[] {
    return this.statements.byOwner.all(owner.oid, owner.tid).map(toItem);
  }

  /** One item, or undefined. */
  findById(id: string): TodoItem | undefined {
    const row = this.statements.byId.get(id);
    return row ? toItem(row) : undefined;
  }

  /** Stores a new item and returns it. */
  insert(owner: TodoOwner, title: string, done: boolean): TodoItem {
    const now = new Date().toISOString();
    const row: TodoRow = {
      id: randomUUID(),
      title,
      done: done ? 1 : 0,
      owner_oid: owner.oid,
      owner_tid: owner.tid,
      created_at: now,
      updated_at: now,
    };
    this.statements.insert.run(row);
    return toItem(row);
  }

  /** Changes title and state of an existing item and returns it. */
  update(item: TodoItem, changes: { title?: string; done?: boolean }): TodoItem {
    const next = {
      id: item.id,
      title: changes.title ?? item.title,
      done: (changes.done ?? item.done) ? 1 : 0,
      updated_at: new Date().toISOString(),
    };
    this.statements.update.run(next);
    return { ...item, title: next.title, done: next.done === 1, updatedAt: next.updated_at };
  }

  /** Deletes an item; true when it existed. */
  remove(id: string): boolean {
    return this.statements.remove.run(id).changes > 0;
  }

  onModuleDestroy(): void {
    this.db.close();
  }
}
