import { Controller, Get, Inject, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { Public } from 'nest-identity-web';
import { IdentityHealthIndicator } from 'nest-identity-web/health';
import { MY_API_CONFIG } from './config/my-api.constants.js';
import type { MyApiConfig } from './config/my-api.config.js';

/**
 * Health endpoints, without authentication: `/health/live` answers at once (liveness), `/health`
 * reports the identity provider, the token cache and token acquisition through terminus
 * (readiness: 503 when a check is down).
 */
@Public()
@Controller('health')
export class HealthController implements OnApplicationBootstrap {
  constructor(
    private readonly health: HealthCheckService,
    private readonly identity: IdentityHealthIndicator,
    @Inject(MY_API_CONFIG) private readonly config: MyApiConfig,
  ) {}

  /** Runs each check once at startup (no I/O), so a bad `Health__*` option stops the app with NIW1019. */
  onApplicationBootstrap(): void {
    this.checks().forEach((check) => check());
  }

  @Get('live')
  live(): { status: 'ok'; service: string } {
    return { status: 'ok', service: 'my-api' };
  }

  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    return this.health.check(this.checks());
  }

  private checks() {
    const { health } = this.config;
    return [
      () => this.identity.identityProvider('identityProvider', health.identityProvider),
      () => this.identity.tokenCache('tokenCache', health.tokenCache),
      () => this.identity.tokenAcquisition('tokenAcquisition', health.tokenAcquisition),
    ];
  }
}
