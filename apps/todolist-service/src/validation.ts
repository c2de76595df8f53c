import type { ValidationPipeOptions } from '@nestjs/common';

/**
 * How request bodies are validated: unknown fields are refused (not silently dropped), values are
 * turned into the DTO classes, and a bad body answers 400 with every reason in `message`.
 */
export const VALIDATION_PIPE_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
};
