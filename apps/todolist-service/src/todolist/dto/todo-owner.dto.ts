import { IsUUID } from 'class-validator';
import type { TodoOwner } from '../todo-item.interface.js';

/** The owner of an item, in a request body (app callers only). */
export class TodoOwnerDto implements TodoOwner {
  /** Object ID (`oid`) of the owning user. */
  @IsUUID()
  oid!: string;

  /** Tenant ID (`tid`) of the owning user. */
  @IsUUID()
  tid!: string;
}
