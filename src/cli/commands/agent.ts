/**
 * `sitekeeper agent --server URL --token T` — run a site agent on a customer's network: it
 * connects out to the platform's broker and performs SADP discovery and LAN ISAPI for its site.
 * The token (from the portal's "Add agent") is used once, to enrol; the key the platform issues is
 * kept in the state file (--state, mode 0600) and used from then on, so the same command line can
 * be run again (or without --token).
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/app-error';
import { parseSadpTargets } from '../../device-client/sadp-discovery';
import { startSiteAgent } from '../../agent/site-agent';
import { defaultAgentStatePath } from '../../agent/agent-state';

interface AgentFlags {
  server: string;
  token?: string;
  topicPrefix: string;
  sadpTarget?: string;
  state?: string;
  allowAnyHost?: boolean;
  allowLoopback?: boolean;
}

async function runAgent(flags: AgentFlags): Promise<void> {
  const token = flags.token ?? process.env.SITEKEEPER_AGENT_TOKEN;
  const statePath = flags.state ?? defaultAgentStatePath();
  if (!/^mqtts?:\/\/|^wss?:\/\//.test(flags.server)) {
    throw new AppError('VALIDATION_FAILED', '--server must be the platform broker URL (mqtt://, mqtts://, ws:// or wss://).', { hint: 'Use the broker address shown with the agent token, e.g. mqtts://sitekeeper.example.com:8883.' });
  }
  const sadpSpec = flags.sadpTarget ?? process.env.SADP_TARGETS;
  // Revoked while running: the broker closes the connection and refuses it from then on.
  let refusedLater: (err: AppError) => void = () => undefined;
  const revoked = new Promise<never>((_, reject) => {
    refusedLater = reject;
  });
  const agent = await startSiteAgent({
    mqttUrl: flags.server,
    ...(token ? { token } : {}),
    statePath,
    topicPrefix: flags.topicPrefix,
    ...(sadpSpec ? { sadpTargets: parseSadpTargets(sadpSpec) } : {}),
    allowAnyHost: flags.allowAnyHost === true,
    allowLoopback: flags.allowLoopback === true,
    onLog: (m) => process.stderr.write(`${new Date().toISOString()} ${m}\n`),
    onRefused: (why) => refusedLater(new AppError('AGENT_AUTH_FAILED', `The platform no longer accepts this agent (${why}): it was revoked.`)),
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
  // Keep running until a signal arrives, or until the platform refuses the agent (revoked).
  try {
    await revoked;
  } finally {
    await agent.close();
  }
}

export function register(program: Command): void {
  program
    .command('agent')
    .description('Run a site agent: connects out to the platform and performs LAN work (SADP discovery, ISAPI) for its site')
    .requiredOption('--server <url>', 'platform broker URL, e.g. mqtts://sitekeeper.example.com:8883')
    .option('--token <token>', 'one-time enrolment token from the portal (or SITEKEEPER_AGENT_TOKEN); not needed once enrolled')
    .option('--state <file>', 'where the agent keeps its id and key after enrolling (mode 0600)', defaultAgentStatePath())
    .option('--topic-prefix <prefix>', 'MQTT topic prefix of the platform', process.env.MQTT_TOPIC_PREFIX ?? 'sk/')
    .option('--sadp-target <host:port,...>', 'send SADP probes here instead of the multicast group (also SADP_TARGETS)')
    .option('--allow-any-host', 'allow ISAPI to public addresses and host names (off: private addresses only)')
    .option('--allow-loopback', 'allow ISAPI to loopback and link-local addresses (127.0.0.0/8, ::1, 169.254.0.0/16, fe80::/10), e.g. emulators on this machine')
    .action(async (flags: AgentFlags) => runAgent(flags));
}
