/**
 * The broker's configuration: immutable {@code *Config} records and {@link io.wharf.broker.config.ConfigLoader},
 * which reads {@code wharf.yaml} and {@code WHARF_*} environment overrides into them once at start.
 *
 * <p>Everything else receives the records it needs; nothing outside this package reads yaml, environment
 * variables or system properties for settings.
 */
package io.wharf.broker.config;
