import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from 'nest-identity-web';
import { IdentityHealthIndicator } from 'nest-identity-web/health';
import { MY_API_CONFIG } from './config/my-api.constants.js';
import type { MyApiConfig } from './config/my-api.config.js';
import { AdminController } from './admin/admin.controller.js';
import { ArmApiClient } from './arm/arm-api.client.js';
import { DownstreamHttpClient } from './downstream/downstream-http.client.js';
import { GraphApiClient } from './graph/graph-api.client.js';
import { MyApiController } from './my-api.controller.js';
import { TodoListApiClient } from './todolist/todolist-api.client.js';
import { TodoListExportService } from './export/todolist-export.service.js';
import { exportProviders } from './export/export.providers.js';
import { HealthController } from './health.controller.js';

/**
 * Root module of my-api, the middle-tier web API of the sample: accepts tokens for its own
 * `access_as_user` scope and calls todolist-service, Microsoft Graph and Azure Resource Manager on
 * behalf of the user through the library's `DownstreamApi` (configured from `DownstreamApis__*`),
 * and todolist-service as itself.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule.forRoot(loadMyApiConfig()));
 * ```
 */
@Module({})
export class AppModule {
  static forRoot(config: MyApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [AuthModule.forRoot(config.azureAd), TerminusModule.forRoot()],
      controllers: [HealthController, MyApiController, AdminController],
      providers: [
        { provide: MY_API_CONFIG, useValue: config },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
        DownstreamHttpClient,
        TodoListApiClient,
        TodoListExportService,
        ...exportProviders(config),
        GraphApiClient,
        ArmApiClient,
        IdentityHealthIndicator,
      ],
    };
  }
}
