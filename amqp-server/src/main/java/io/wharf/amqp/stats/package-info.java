/**
 * Message counters and rates for management: per queue, exchange, connection and link, counted by the front end on
 * its own threads and sampled into small rings on the broker timer. Knows nothing of HTTP or of the plugins.
 */
package io.wharf.amqp.stats;
