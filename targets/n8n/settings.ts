/** The n8n target's settings (from the CLI's run plan): an npm version of `n8n` 2.x (its MCP OAuth2 API credential and MCP Client Tool node). */
import { npmReleaseSettingsParser } from '../npm-release-settings.js';

/**
 * The release verified against this adapter. The newest, 2.41.3, cannot be installed from the registry this
 * suite was built with: it pins `@n8n/agents@0.26.2`, which the registry answers 404 for.
 */
export const DEFAULT_N8N_VERSION = '2.41.1';

/** The settings, or one readable line naming what is wrong. */
export const parseN8nSettings = npmReleaseSettingsParser('n8n', 'n8n', 2, DEFAULT_N8N_VERSION);
