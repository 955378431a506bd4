// An agent drives `solo mcp` with the official TypeScript MCP client (@modelcontextprotocol/sdk),
// the client most MCP hosts are built on. Run by McpTypeScriptClientTest, which starts a real Solo
// server and passes everything in the environment:
//   SOLO_NPM_CACHE     the npm prefix where @modelcontextprotocol/sdk is installed
//   SOLO_JAVA          the java binary; SOLO_CLASSPATH  the class path of dev.solo.cli.Main
//   SOLO_CREDS_FILE    the credentials of the tenant the agent acts as
//   SOLO_SOURCES       a directory with Greeter.java (and PoliteGreeter.java for the swap)
// Usage: node mcp-scenario.mjs main|swap. Exits 0 when every check passed; prints each step.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const require = createRequire(join(env('SOLO_NPM_CACHE'), 'node_modules', 'resolve-from-here.js'));
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport, getDefaultEnvironment } = require('@modelcontextprotocol/sdk/client/stdio.js');
const { ToolListChangedNotificationSchema } = require('@modelcontextprotocol/sdk/types.js');

const TIMEOUT = { timeout: 120_000 };
const WAIT_MS = 60_000;
const FIXED = ['solo_whoami', 'solo_list_services', 'solo_describe_service', 'solo_deploy_service', 'solo_call_service',
  'solo_hot_swap', 'solo_rollback', 'solo_kill_service', 'solo_get_events', 'solo_get_logs'];
const source = (file) => readFileSync(join(env('SOLO_SOURCES'), file), 'utf8');
const step = (text) => console.log(`- ${text}`);

const transport = new StdioClientTransport({
  command: env('SOLO_JAVA'),
  args: ['-Xmx256m', '-cp', env('SOLO_CLASSPATH'), 'dev.solo.cli.Main', 'mcp', '--creds', env('SOLO_CREDS_FILE')],
  env: getDefaultEnvironment(),
  stderr: 'pipe',
});
const stderr = [];
transport.stderr?.on('data', (chunk) => stderr.push(String(chunk)));
const client = new Client({ name: 'solo-ts-scenario', version: '1.0.0' });

// Each tools/list_changed: list the tools again, and queue the list for awaitTools. A change may
// be announced while the tool call that made it is still running, before anyone waits for it.
let listChanges = 0;
const lists = [];
let wake = () => {};
client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
  listChanges++;
  const { tools } = await client.listTools();
  lists.push(tools);
  wake();
});
async function awaitTools(what, test) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    while (lists.length > 0) {
      const tools = lists.shift();
      if (test(tools.map((t) => t.name))) return tools;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`no tools/list_changed brought ${what} within ${WAIT_MS} ms`);
    await new Promise((resolve) => {
      wake = resolve;
      setTimeout(resolve, left);
    });
  }
}

const call = (name, args) => client.callTool({ name, arguments: args }, undefined, TIMEOUT);
const text = (result) => result.content[0].text;
function ok(result) {
  assert.notEqual(result.isError, true, `the tool failed: ${text(result)}`);
  assert.deepEqual(JSON.parse(text(result)), result.structuredContent, 'the text is a copy of the structured content');
  return result.structuredContent;
}
const explanation = (event) => event.attributes.explanation;

async function main() {
  const names = (await client.listTools()).tools.map((t) => t.name);
  for (const fixed of FIXED) assert.ok(names.includes(fixed), `${fixed} is listed`);
  assert.ok(!names.some((n) => n.startsWith('hidden__')), 'another tenant\'s tools are not listed');
  step(`listed ${names.length} tools`);

  const deployed = ok(await call('solo_deploy_service', {
    service: 'ts-greeter', files: { 'Greeter.java': source('Greeter.java') }, explanation: 'deployed from TypeScript',
  }));
  assert.deepEqual(deployed.tools, ['ts_greeter__add', 'ts_greeter__hello']);
  const tools = await awaitTools('ts_greeter tools', (n) => n.includes('ts_greeter__hello') && n.includes('ts_greeter__add'));
  const hello = tools.find((t) => t.name === 'ts_greeter__hello');
  assert.deepEqual(hello.inputSchema.required, ['name']);
  assert.equal(hello.annotations.readOnlyHint, true);
  step(`deployed ts-greeter v${deployed.version}; tools/list_changed brought its tools`);

  assert.equal(ok(await call('ts_greeter__hello', { name: 'Grace' })).body, 'Hello, Grace!');
  assert.equal(ok(await call('ts_greeter__add', { a: 40, b: 2 })).body, '42');
  assert.equal(ok(await call('solo_call_service', { service: 'ts-greeter', method: 'hello', body: { name: 'Linus' } })).body,
    'Hello, Linus!');
  step('called both tools and solo_call_service');

  const events = ok(await call('solo_get_events', { types: ['service_deployed'] })).events;
  const deploy = events.find((e) => e.subject === 'ts-greeter');
  assert.equal(explanation(deploy), 'deployed from TypeScript');
  step('the deploy event carries its explanation');

  const compile = await call('solo_deploy_service', {
    service: 'ts-broken', explanation: 'a typo',
    files: { 'Broken.java': 'import dev.solo.api.*;\npublic class Broken implements Service {\n'
      + '  public Reply handle(Request r, Context c) { return nope; }\n}\n' },
  });
  assert.equal(compile.isError, true);
  assert.ok(text(compile).split('\n').some((l) => /^Broken\.java:3:\d+: COMPILE: cannot find symbol/.test(l)), text(compile));
  step('a compile error comes back as File.java:LINE:COL: RULE: message');

  const hidden = await call('solo_describe_service', { service: 'hidden' });
  assert.equal(hidden.isError, true);
  assert.match(text(hidden), /^NOT_FOUND: no service hidden[\s\S]*solo_list_services/);
  assert.ok(!text(await call('solo_list_services', {})).includes('hidden'));
  assert.ok(!text(await call('solo_get_events', { limit: 1000 })).includes('hidden'));
  step('another tenant\'s service is in no result');

  const killed = ok(await call('solo_kill_service', { service: 'ts-greeter', explanation: 'done from TypeScript' }));
  assert.deepEqual(killed.removed_tools, ['ts_greeter__add', 'ts_greeter__hello']);
  await awaitTools('ts_greeter tools gone', (n) => !n.some((name) => name.startsWith('ts_greeter__')));
  const kill = ok(await call('solo_get_events', { types: ['service_killed'] })).events.find((e) => e.subject === 'ts-greeter');
  assert.equal(explanation(kill), 'done from TypeScript');
  step(`killed ts-greeter; its tools are gone (${listChanges} tools/list_changed in all)`);
}

async function swap() {
  ok(await call('solo_deploy_service', {
    service: 'ts-swapper', files: { 'Greeter.java': source('Greeter.java') }, explanation: 'version one',
  }));
  await awaitTools('ts_swapper tools', (n) => n.includes('ts_swapper__hello'));
  // Depends on hot swap: a server without it answers UNIMPLEMENTED here.
  const swapped = ok(await call('solo_hot_swap', {
    service: 'ts-swapper', files: { 'Greeter.java': source('PoliteGreeter.java') }, explanation: 'greet politely',
  }));
  assert.equal(swapped.version, 2);
  const tools = await awaitTools('ts_swapper__hello with its new schema', (n) => n.includes('ts_swapper__hello'));
  assert.deepEqual(tools.find((t) => t.name === 'ts_swapper__hello').inputSchema.required, ['name', 'title']);
  assert.equal(ok(await call('ts_swapper__hello', { name: 'Ada', title: 'Dr' })).body, 'Good day, Ada!');
  ok(await call('solo_kill_service', { service: 'ts-swapper', explanation: 'done' }));
  step('hot swap changed the schema, not the tool name');
}

const scenarios = { main, swap };
const scenario = scenarios[process.argv[2]];
if (!scenario) {
  console.error(`usage: node mcp-scenario.mjs ${Object.keys(scenarios).join('|')}`);
  process.exit(2);
}
try {
  await client.connect(transport);
  step(`connected to ${client.getServerVersion()?.name} ${client.getServerVersion()?.version}`);
  await scenario();
  console.log(`scenario ${process.argv[2]}: passed`);
  await client.close();
  process.exit(0);
} catch (error) {
  console.error(`scenario ${process.argv[2]}: FAILED: ${error.stack ?? error}`);
  console.error(`--- solo mcp stderr ---\n${stderr.join('')}`);
  await client.close().catch(() => {});
  process.exit(1);
}
