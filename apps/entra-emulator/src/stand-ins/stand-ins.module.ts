import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from 'nest-identity-web';
import { ArmSubscriptionsController } from './arm-subscriptions.controller.js';
import { CaeSessions } from './cae-sessions.js';
import { GraphChallengeFilter, GraphMeController } from './graph-me.controller.js';

/** Where the stand-ins find the identity provider. */
export interface StandInAuthOptions {
  /** The emulator's instance, e.g. `https://127.0.0.1:PORT/`. */
  readonly instance: string;
  /** Extra CA certificates to trust for the instance (the emulator's CA). */
  readonly trustedCa?: readonly string[];
}

/** Application (client) ID of Microsoft Graph. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Application (client) ID of Azure Resource Manager. */
export const ARM_APP_ID = '797f4846-ba00-4fd7-ba43-dac1f8f63013';

/**
 * A stand-in for Microsoft Graph (`GET /v1.0/me`). It validates tokens with nest-identity-web like
 * any protected API: multi-tenant, v1 tokens, audience `https://graph.microsoft.com`; and it
 * evaluates revoked sessions as Graph's Continuous Access Evaluation does (`sessions`).
 */
@Module({})
export class GraphStandInModule {
  static forRoot(options: StandInAuthOptions & { readonly sessions?: CaeSessions }): DynamicModule {
    return {
      module: GraphStandInModule,
      imports: [
        AuthModule.forRoot({
          instance: options.instance,
          tenantId: 'organizations',
          clientId: GRAPH_APP_ID,
          audiences: ['https://graph.microsoft.com', 'https://graph.microsoft.com/', GRAPH_APP_ID],
          trustedCa: options.trustedCa,
        }),
      ],
      controllers: [GraphMeController],
      providers: [
        { provide: CaeSessions, useValue: options.sessions ?? new CaeSessions() },
        { provide: APP_FILTER, useClass: GraphChallengeFilter },
      ],
    };
  }
}

/**
 * A stand-in for Azure Resource Manager (`GET /subscriptions`), validating multi-tenant v1 tokens
 * for `https://management.azure.com/`.
 */
@Module({})
export class ArmStandInModule {
  static forRoot(options: StandInAuthOptions): DynamicModule {
    return {
      module: ArmStandInModule,
      imports: [
        AuthModule.forRoot({
          instance: options.instance,
          tenantId: 'organizations',
          clientId: ARM_APP_ID,
          audiences: [
            'https://management.azure.com/',
            'https://management.azure.com',
            'https://management.core.windows.net/',
            ARM_APP_ID,
          ],
          trustedCa: options.trustedCa,
        }),
      ],
      controllers: [ArmSubscriptionsController],
    };
  }
}
