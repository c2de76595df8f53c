import { Controller, Get } from '@nestjs/common';

/** Liveness probe: answers without authentication. */
@Controller('health')
export class HealthController {
  @Get()
  get(): { status: 'ok'; service: string } {
    return { status: 'ok', service: 'my-api' };
  }
}
