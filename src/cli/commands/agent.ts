/**
 * `sitekeeper agent --server URL --token T` — run a site agent on a customer's network: it
 * connects out to the platform's broker and performs SADP discovery and LAN ISAPI for its site.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/app-error';
import { parseSadpTargets } from '../../device-client/sadp-discovery';
import { startSiteAgent } from '../../agent/site-agent';

interface AgentFlags {
  server: string;
  token?: string;
  topicPrefix: string;
  sadpTarget?: string;
  allowAnyHost?: boolean;
}

async function runAgent(flags: AgentFlags): Promise<void> {
  const token = flags.token ?? process.env.SITEKEEPER_AGENT_TOKEN;
  if (!token) throw new AppError('VALIDATION_FAILED', 'No agent token given.', { hint: 'Pass --token or set SITEKEEPER_AGENT_TOKEN; create a token for the site in the portal.' });
  if (!/^mqtts?:\/\/|^wss?:\/\//.test(flags.server)) {
    throw new AppError('VALIDATION_FAILED', '--server must be the platform broker URL (mqtt://, mqtts://, ws:// or wss://).', { hint: 'Use the broker address shown with the agent token, e.g. mqtts://sitekeeper.example.com:8883.' });
  }
  const sadpSpec = flags.sadpTarget ?? process.env.SADP_TARGETS;
  const agent = await startSiteAgent({
    mqttUrl: flags.server,
    token,
    topicPrefix: flags.topicPrefix,
    ...(sadpSpec ? { sadpTargets: parseSadpTargets(sadpSpec) } : {}),
    ...(flags.allowAnyHost ? { allowHost: () => true } : {}),
    onLog: (m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`),
  });
  process.stderr.write(`agent ${agent.agentId}: connecting to ${new URL(flags.server).host}\n`);
  const stop = async () => {
    process.stderr.write('agent: stopping\n');
    await agent.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  try {
    await agent.ready();
  } catch (err) {
    await agent.close();
    throw new AppError('AGENT_AUTH_FAILED', undefined, { cause: err });
  }
  // Keep running until a signal arrives.
  await new Promise<never>(() => undefined);
}

export function register(program: Command): void {
  program
    .command('agent')
    .description('Run a site agent: connects out to the platform and performs LAN work (SADP discovery, ISAPI) for its site')
    .requiredOption('--server <url>', 'platform broker URL, e.g. mqtts://sitekeeper.example.com:8883')
    .option('--token <token>', 'site agent token (or SITEKEEPER_AGENT_TOKEN)')
    .option('--topic-prefix <prefix>', 'MQTT topic prefix of the platform', process.env.MQTT_TOPIC_PREFIX ?? 'sk/')
    .option('--sadp-target <host:port,...>', 'send SADP probes here instead of the multicast group (also SADP_TARGETS)')
    .option('--allow-any-host', 'allow ISAPI to non-LAN addresses (off: only private, loopback and link-local)')
    .action(async (flags: AgentFlags) => runAgent(flags));
}
