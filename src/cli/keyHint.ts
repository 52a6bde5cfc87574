import { describeKeyVariables } from '../core/keys';
import type { BatonSettings } from '../core/settings/types';

/** For an auth failure: which environment variables the CLI would read the model's key from. */
export function keyHint(settings: BatonSettings, modelId: string | undefined): string {
  const model = settings.models.find((m) => m.id === modelId);
  if (!model) return '';
  return ` Set the key for "${model.id}" in ${describeKeyVariables(model, settings.models)}.`;
}
