import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateTodoDto } from './dto/create-todo.dto.js';
import type { UpdateTodoDto } from './dto/update-todo.dto.js';
import type { TodoCaller, TodoItem, TodoOwner } from './todo-item.interface.js';
import { TodoListRepository } from './todolist.repository.js';

const sameOwner = (a: TodoOwner, b: TodoOwner): boolean => a.oid === b.oid && a.tid === b.tid;

/**
 * The ownership rules of the todo list:
 *
 * - a delegated caller (a user through a client app) sees, creates and changes only its own items,
 *   owned by its `oid` + `tid`;
 * - an app caller holding the `TodoList.ReadWrite.All` application permission sees and changes every
 *   item, and may create one for a named owner.
 *
 * An item the caller may not see answers 404, exactly like one that does not exist, so a caller
 * cannot probe for other users' item IDs.
 */
@Injectable()
export class TodoListService {
  constructor(private readonly repository: TodoListRepository) {}

  /** The items the caller may see. */
  list(caller: TodoCaller): TodoItem[] {
    return caller.kind === 'app' ? this.repository.findAll() : this.repository.findByOwner(caller);
  }

  /**
   * One item the caller may see.
   * @throws NotFoundException when it does not exist or belongs to someone else
   */
  get(caller: TodoCaller, id: string): TodoItem {
    const item = this.repository.findById(id);
    if (!item || (caller.kind === 'user' && !sameOwner(item.owner, caller))) {
      throw new NotFoundException(`Todo item ${id} not found.`);
    }
    return item;
  }

  /**
   * Creates an item: for the calling user, or for `owner` (app callers; default: the app itself).
   * @throws ForbiddenException when a delegated caller names another owner
   */
  create(caller: TodoCaller, dto: CreateTodoDto): TodoItem {
    let owner: TodoOwner = { oid: caller.oid, tid: caller.tid };
    if (dto.owner) {
      if (caller.kind === 'user' && !sameOwner(dto.owner, caller)) {
        throw new ForbiddenException('A delegated caller can only create its own todo items; omit "owner".');
      }
      owner = dto.owner;
    }
    return this.repository.insert(owner, dto.title, dto.done ?? false);
  }

  /**
   * Changes an item the caller may see.
   * @throws NotFoundException when it does not exist or belongs to someone else
   */
  update(caller: TodoCaller, id: string, dto: UpdateTodoDto): TodoItem {
    return this.repository.update(this.get(caller, id), dto);
  }

  /**
   * Deletes an item the caller may see.
   * @throws NotFoundException when it does not exist or belongs to someone else
   */
  remove(caller: TodoCaller, id: string): void {
    this.repository.remove(this.get(caller, id).id);
  }
}
