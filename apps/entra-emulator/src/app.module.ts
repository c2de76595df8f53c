import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';

/** Root module of entra-emulator. */
@Module({ controllers: [HealthController] })
export class AppModule {}
