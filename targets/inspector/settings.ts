/** The Inspector target's settings (from the CLI's run plan): an npm version of @modelcontextprotocol/inspector 2.x (one process serving the UI and its API). */
import { npmReleaseSettingsParser } from '../npm-release-settings.js';

/** The release verified against this adapter (notes: docs of this folder's adapter). */
export const DEFAULT_INSPECTOR_VERSION = '2.12.0';

/** The settings, or one readable line naming what is wrong. */
export const parseInspectorSettings = npmReleaseSettingsParser('inspector', 'Inspector', 2, DEFAULT_INSPECTOR_VERSION);
