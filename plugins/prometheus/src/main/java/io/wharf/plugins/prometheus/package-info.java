/** The Prometheus plugin: {@code /metrics} in the text exposition format. Built on plugin-api only. */
package io.wharf.plugins.prometheus;
