import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of my-api's `POST /api/todolist`, forwarded to todolist-service. */
export class CreateTodoDto {
  /** What to do; 1 to 200 characters. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  /** Whether it is already done. */
  @IsOptional()
  @IsBoolean()
  done?: boolean;
}
