import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of `PATCH /api/todolist/:id`: the fields to change. */
export class UpdateTodoDto {
  /** New title; 1 to 200 characters. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title?: string;

  /** New state. */
  @IsOptional()
  @IsBoolean()
  done?: boolean;
}
