import { Module } from '@nestjs/common';
import { AuthModule } from 'nest-identity-web';
import { HealthController } from './health.controller.js';

/** Root module of my-api, the middle-tier web API of the sample. */
@Module({
  imports: [
    AuthModule.forRoot({
      instance: process.env.AzureAd__Instance ?? 'https://login.microsoftonline.com/',
      tenantId: process.env.AzureAd__TenantId ?? 'organizations',
      clientId: process.env.AzureAd__ClientId ?? '00000000-0000-0000-0000-0000000000a1',
    }),
  ],
  controllers: [HealthController],
})
export class AppModule {}
