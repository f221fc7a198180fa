/**
 * The management plugin: a REST API modelled on RabbitMQ's management API and a single-page web console, both
 * served by the broker's HTTP server. Built on plugin-api only: it knows nothing of AMQP framing or storage.
 */
package io.wharf.plugins.management;
