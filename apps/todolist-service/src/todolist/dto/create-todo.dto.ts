import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { TodoOwnerDto } from './todo-owner.dto.js';

/** Body of `POST /api/todolist`. */
export class CreateTodoDto {
  /** What to do; 1 to 200 characters. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  /** Whether it is already done. Defaults to false. */
  @IsOptional()
  @IsBoolean()
  done?: boolean;

  /**
   * Whom the item belongs to. Only app callers (application permission `TodoList.ReadWrite.All`)
   * may name an owner; a delegated caller always creates items for itself.
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => TodoOwnerDto)
  owner?: TodoOwnerDto;
}
