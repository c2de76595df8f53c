import { describe, expect, it } from '@jest/globals';
import { configurationKeyForms, configurationReader } from './configuration-key.util.js';

describe('configuration keys', () => {
  it('should treat Section__Key and Section:Key as the same setting, in both directions', () => {
    const env = configurationReader({ AzureAd__Scopes: 'access_as_user' });
    expect(env('AzureAd__Scopes')).toBe('access_as_user');
    expect(env('AzureAd:Scopes')).toBe('access_as_user');
    const config = new Map<string, unknown>([['AzureAd:Scopes', ['a', 'b']]]);
    const service = configurationReader({ get: (key: string) => config.get(key) });
    expect(service('AzureAd__Scopes')).toEqual(['a', 'b']);
  });

  it('should prefer the key as written, and treat an empty value as unset', () => {
    expect(configurationReader({ 'A:B': 'colon', A__B: 'underscores' })('A__B')).toBe('underscores');
    expect(configurationReader({ A__B: '', 'A:B': 'colon' })('A__B')).toBe('colon');
    expect(configurationReader({ A__B: '' })('A__B')).toBeUndefined();
  });

  it('should read process.env when no source is given', () => {
    process.env.NIW_CONFIGURATION_KEY_SPEC__Value = 'from-env';
    try {
      expect(configurationReader()('NIW_CONFIGURATION_KEY_SPEC:Value')).toBe('from-env');
    } finally {
      delete process.env.NIW_CONFIGURATION_KEY_SPEC__Value;
    }
  });

  it('should list a plain key once', () => {
    expect(configurationKeyForms('AZURE_FEDERATED_TOKEN_FILE')).toEqual(['AZURE_FEDERATED_TOKEN_FILE']);
    expect(configurationKeyForms('A:B:C')).toEqual(['A:B:C', 'A__B__C']);
  });
});
