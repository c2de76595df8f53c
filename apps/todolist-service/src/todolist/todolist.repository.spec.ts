import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TodoListRepository } from './todolist.repository.js';

const owner = { oid: 'aaaaaaaa-0000-4000-8000-000000000001', tid: '72f988bf-0000-4000-8000-000000000001' };
const dir = mkdtempSync(join(tmpdir(), 'todolist-'));

describe('TodoListRepository', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps items in the data file across a restart', () => {
    const path = join(dir, 'nested', 'todolist.sqlite');
    const first = new TodoListRepository({ databasePath: path });
    const created = first.insert(owner, 'survive a restart', false);
    first.update(created, { done: true });
    first.onModuleDestroy();

    const second = new TodoListRepository({ databasePath: path });
    expect(second.findById(created.id)).toMatchObject({ title: 'survive a restart', done: true, owner });
    expect(second.findByOwner(owner)).toHaveLength(1);
    second.onModuleDestroy();
  });

  it(':memory: starts empty every time', () => {
    const first = new TodoListRepository({ databasePath: ':memory:' });
    first.insert(owner, 'gone', false);
    first.onModuleDestroy();
    const second = new TodoListRepository({ databasePath: ':memory:' });
    expect(second.findAll()).toEqual([]);
    second.onModuleDestroy();
  });

  it('remove reports whether the item existed', () => {
    const repo = new TodoListRepository({ databasePath: ':memory:' });
    const item = repo.insert(owner, 'x', false);
    expect(repo.remove(item.id)).toBe(true);
    expect(repo.remove(item.id)).toBe(false);
    expect(repo.findById(item.id)).toBeUndefined();
    repo.onModuleDestroy();
  });
});
