export { AuthModule } from './auth.module.js';
export type { AuthModuleOptions } from './auth-module-options.interface.js';
export { AuthErrorCode, type AuthErrorCodeValue } from './errors/auth-error-codes.js';
export { AuthError, AuthConfigurationError } from './errors/auth.error.js';
