/** Load tools and benchmarks for Wharf and peer brokers; never part of the broker runtime. */
package io.wharf.bench;
