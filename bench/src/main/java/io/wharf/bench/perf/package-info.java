/**
 * wharf-perf: a load tool for any AMQP 1.0 broker and the side-by-side comparison of Wharf with ActiveMQ Artemis.
 *
 * <pre>
 *   WharfPerf          command line, runs scenarios on brokers (alternating with --compare artemis), writes reports
 *   PerfOptions        the parsed, checked command line and its help
 *   Scenario(Plan)     the workloads and their settings once the command line is applied
 *   ScenarioRunner     one scenario once on one broker: warm-up, measured window, progress line, result
 *   ClientEngine       how load is applied: JmsEngine (Qpid JMS), LeanEngine + LeanConnection (raw proton-j)
 *   Pacer, Payload, Meter   when to send, what the body carries (the send time), what is counted
 *   BrokerUnderTest    ForkedBroker (Wharf's jar, or ArtemisMain in its own JVM) or an external host:port
 *   CpuSampler         broker CPU time from /proc/&lt;pid&gt;/stat
 *   Report             Markdown tables and JSON; JfrTop summarises a flight recording
 * </pre>
 *
 * Nothing here is part of the broker, and the broker's code knows nothing of it: wharf-perf talks to Wharf only over
 * AMQP and starts it only through its jar, so the same tool measures any broker the same way.
 */
package io.wharf.bench.perf;
