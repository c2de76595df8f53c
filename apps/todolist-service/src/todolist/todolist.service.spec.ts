import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { TodoCaller } from './todo-item.interface.js';
import { TODOLIST_STORAGE_OPTIONS } from './todolist.constants.js';
import { TodoListRepository } from './todolist.repository.js';
import { TodoListService } from './todolist.service.js';

const TID = '72f988bf-0000-4000-8000-000000000001';
const OTHER_TID = '72f988bf-0000-4000-8000-000000000002';
const alice: TodoCaller = { kind: 'user', oid: 'aaaaaaaa-0000-4000-8000-000000000001', tid: TID };
const bob: TodoCaller = { kind: 'user', oid: 'bbbbbbbb-0000-4000-8000-000000000002', tid: TID };
const app: TodoCaller = { kind: 'app', oid: 'cccccccc-0000-4000-8000-000000000003', tid: TID, clientId: 'my-api' };

async function setup(): Promise<TestingModule> {
  return Test.createTestingModule({
    providers: [
      TodoListService,
      TodoListRepository,
      { provide: TODOLIST_STORAGE_OPTIONS, useValue: { databasePath: ':memory:' } },
    ],
  }).compile();
}

describe('TodoListService', () => {
  let moduleRef: TestingModule;
  let service: TodoListService;

  beforeEach(async () => {
    moduleRef = await setup();
    service = moduleRef.get(TodoListService);
  });

  afterEach(async () => {
    await moduleRef.close();
  });

  it('a delegated caller creates items owned by its oid and tid', () => {
    const item = service.create(alice, { title: 'Buy milk' });
    expect(item).toMatchObject({ title: 'Buy milk', done: false, owner: { oid: alice.oid, tid: TID } });
    expect(item.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a delegated caller lists only its own items, oldest first', () => {
    service.create(alice, { title: 'one' });
    service.create(bob, { title: 'bob' });
    service.create(alice, { title: 'two', done: true });
    expect(service.list(alice).map((i) => i.title)).toEqual(['one', 'two']);
    expect(service.list(bob).map((i) => i.title)).toEqual(['bob']);
  });

  it('the same oid in another tenant is another owner', () => {
    service.create(alice, { title: 'home tenant' });
    expect(service.list({ ...alice, tid: OTHER_TID })).toEqual([]);
  });

  it("another user's item answers 404, as if it did not exist", () => {
    const item = service.create(alice, { title: 'private' });
    expect(() => service.get(bob, item.id)).toThrow(NotFoundException);
    expect(() => service.update(bob, item.id, { done: true })).toThrow(NotFoundException);
    expect(() => service.remove(bob, item.id)).toThrow(NotFoundException);
    expect(service.get(alice, item.id).done).toBe(false);
  });

  it('a delegated caller cannot create an item for someone else', () => {
    expect(() => service.create(alice, { title: 'x', owner: { oid: bob.oid, tid: bob.tid } })).toThrow(
      ForbiddenException,
    );
    expect(service.create(alice, { title: 'x', owner: { oid: alice.oid, tid: alice.tid } }).owner.oid).toBe(alice.oid);
  });

  it('an app caller sees and changes every item and may create one for a named owner', () => {
    const a = service.create(alice, { title: 'a' });
    service.create(bob, { title: 'b' });
    const forBob = service.create(app, { title: 'assigned', owner: { oid: bob.oid, tid: bob.tid } });
    const own = service.create(app, { title: 'app item' });
    expect(service.list(app).map((i) => i.title)).toEqual(['a', 'b', 'assigned', 'app item']);
    expect(service.list(bob).map((i) => i.title)).toEqual(['b', 'assigned']);
    expect(forBob.owner).toEqual({ oid: bob.oid, tid: bob.tid });
    expect(own.owner).toEqual({ oid: app.oid, tid: app.tid });
    expect(service.update(app, a.id, { done: true }).done).toBe(true);
    service.remove(app, a.id);
    expect(() => service.get(alice, a.id)).toThrow(NotFoundException);
  });

  it('update changes only the given fields', () => {
    const item = service.create(alice, { title: 'before' });
    const done = service.update(alice, item.id, { done: true });
    expect(done).toMatchObject({ title: 'before', done: true });
    const renamed = service.update(alice, item.id, { title: 'after' });
    expect(renamed).toMatchObject({ title: 'after', done: true });
    expect(service.get(alice, item.id)).toEqual(renamed);
  });
});
