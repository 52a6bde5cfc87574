import * as assert from 'node:assert/strict';
import { describeKeyVariables, environmentKey, keyFromEnvironment, keyVariables, modelKeyVariable, originOf } from '../../src/core/keys';
import type { ModelConfig } from '../../src/core/settings/types';

const model = (id: string, baseUrl: string, provider: ModelConfig['provider'] = 'openai'): ModelConfig => ({ id, provider, model: 'm', baseUrl });

describe('keys from the environment', () => {
  it('an origin is scheme, host and port', () => {
    assert.equal(originOf('https://api.openai.com/v1'), 'https://api.openai.com');
    assert.equal(originOf('http://api.openai.com/v1'), 'http://api.openai.com');
    assert.equal(originOf('https://api.openai.com:8443/v1'), 'https://api.openai.com:8443');
    assert.equal(originOf('https://api.openai.com:443/v1'), 'https://api.openai.com');
    assert.equal(originOf('not a url'), undefined);
  });

  it('the provider variable goes only to the provider endpoint over its own scheme: never in clear text over http', () => {
    const env = { OPENAI_API_KEY: 'sk-openai-env-0123456789abcdef', ANTHROPIC_API_KEY: 'sk-ant-env-0123456789' };
    assert.equal(keyFromEnvironment(model('a', 'https://api.openai.com/v1'), env), env.OPENAI_API_KEY);
    assert.equal(keyFromEnvironment(model('a', 'http://api.openai.com/v1'), env), undefined, 'plain http is another origin');
    assert.equal(keyFromEnvironment(model('a', 'https://api.openai.com:8443/v1'), env), undefined, 'another port is another origin');
    assert.equal(keyFromEnvironment(model('c', 'http://api.anthropic.com/v1', 'anthropic'), env), undefined);
    assert.deepEqual(keyVariables(model('a', 'http://api.openai.com/v1')), ['BATON_API_KEY_A']);
  });

  it('ids that share a variable name get no key from it, and the message says which and how to fix it', () => {
    const dash = model('my-model', 'http://127.0.0.1:1/v1');
    const dot = model('my.model', 'http://127.0.0.1:2/v1');
    const other = model('fast', 'http://127.0.0.1:3/v1');
    const models = [dash, dot, other];
    const env = { BATON_API_KEY_MY_MODEL: 'k-shared-0123456789', BATON_API_KEY_FAST: 'k-fast-0123456789' };
    assert.equal(modelKeyVariable('my-model'), modelKeyVariable('my.model'));
    assert.equal(keyFromEnvironment(dash, env, models), undefined);
    assert.equal(keyFromEnvironment(dot, env, models), undefined);
    assert.equal(keyFromEnvironment(other, env, models), env.BATON_API_KEY_FAST, 'an id of its own keeps its variable');
    assert.equal(keyFromEnvironment(dash, env, [dash, other]), env.BATON_API_KEY_MY_MODEL, 'alone, the id has the variable to itself');
    assert.equal(describeKeyVariables(dash, models), 'no variable (BATON_API_KEY_MY_MODEL is not used, as it would serve "my-model" and "my.model"; rename one of them)');
    const cased = [model('Fast', 'https://api.openai.com/v1'), other];
    assert.equal(environmentKey(cased[0], { ...env, OPENAI_API_KEY: 'sk-o-0123456789' }, cased)?.variable, 'OPENAI_API_KEY', 'case differences clash too; the provider variable still applies at the provider');
  });
});
