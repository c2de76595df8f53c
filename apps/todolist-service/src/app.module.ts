import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';

/** Root module of todolist-service. */
@Module({ controllers: [HealthController] })
export class AppModule {}
