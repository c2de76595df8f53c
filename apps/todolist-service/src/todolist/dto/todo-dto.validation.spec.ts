import { describe, expect, it } from '@jest/globals';
import { BadRequestException, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { CreateTodoDto } from './create-todo.dto.js';
import { UpdateTodoDto } from './update-todo.dto.js';
import { VALIDATION_PIPE_OPTIONS } from '../../validation.js';

const pipe = new ValidationPipe(VALIDATION_PIPE_OPTIONS);
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

/** The reasons a 400 answer lists in `message`. */
async function messages(value: unknown, metatype: ArgumentMetadata['metatype']): Promise<string[]> {
  try {
    await pipe.transform(value, body(metatype));
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestException);
    return ((e as BadRequestException).getResponse() as { message: string[] }).message;
  }
  throw new Error('expected a 400');
}

describe('todo DTO validation', () => {
  it('accepts a title and an optional done flag', async () => {
    await expect(pipe.transform({ title: 'Buy milk', done: true }, body(CreateTodoDto))).resolves.toBeInstanceOf(
      CreateTodoDto,
    );
  });

  it('rejects a missing or empty title with the reasons', async () => {
    const res = await messages({}, CreateTodoDto);
    expect(res).toEqual(expect.arrayContaining(['title should not be empty', 'title must be a string']));
    const empty = await messages({ title: '' }, CreateTodoDto);
    expect(empty).toContain('title should not be empty');
  });

  it('rejects unknown fields and wrong types', async () => {
    const res = await messages({ title: 'x', done: 'yes', admin: true }, CreateTodoDto);
    expect(res).toEqual(expect.arrayContaining(['property admin should not exist', 'done must be a boolean value']));
  });

  it('validates a nested owner', async () => {
    const res = await messages({ title: 'x', owner: { oid: 'nope' } }, CreateTodoDto);
    expect(res).toEqual(expect.arrayContaining(['owner.oid must be a UUID', 'owner.tid must be a UUID']));
  });

  it('rejects an over-long title on update', async () => {
    const res = await messages({ title: 'x'.repeat(201) }, UpdateTodoDto);
    expect(res).toEqual(['title must be shorter than or equal to 200 characters']);
  });
});
