// What only a call on the SFU needs, loaded on first use as one chunk: the SFU transport (with
// mediasoup-client) and the switch between topologies (which always involves the SFU).
export { TopologySwitch } from './TopologySwitch.js';
