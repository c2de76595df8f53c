import { describe, expect, it } from '@jest/globals';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { AuthErrorCode, DownstreamApiError } from 'nest-identity-web';
import { passThroughClientErrors } from './pass-through.js';

const refused = (status: number, responseBody?: unknown) =>
  new DownstreamApiError(AuthErrorCode.DownstreamApiRefused, `HTTP ${status}`, {
    apiName: 'TodoList',
    status,
    responseBody,
  });

describe('passThroughClientErrors', () => {
  it('passes a downstream 400 through with its details', () => {
    const body = { statusCode: 400, message: ['title must be a string'] };
    const error = (() => {
      try {
        passThroughClientErrors(refused(400, body));
      } catch (e) {
        return e;
      }
    })() as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.getResponse()).toEqual(body);
  });

  it('passes a 404 through, with a message when the body is empty', () => {
    expect(() => passThroughClientErrors(refused(404))).toThrow(NotFoundException);
    expect(() => passThroughClientErrors(refused(404))).toThrow('TodoList has no such resource.');
  });

  it('keeps every other failure as the library answers it', () => {
    for (const e of [
      refused(500),
      refused(403),
      new DownstreamApiError(AuthErrorCode.DownstreamApiTimeout, 't', { apiName: 'x' }),
      new Error('x'),
    ]) {
      expect(() => passThroughClientErrors(e)).toThrow(e);
    }
  });
});
