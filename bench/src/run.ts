/** Runs every benchmark in turn; each prints its figures beside its baseline. */
import { analyticsOverheadBench } from './analytics-overhead.bench.js';
import { analyticsBench } from './analytics.bench.js';
import { chatBench } from './chat.bench.js';
import { connectBench } from './connect.bench.js';
import { elementJoinBench } from './element-join.bench.js';
import { elementSizeBench } from './element-size.bench.js';
import { joinToFrameBench } from './join-to-frame.bench.js';
import { loginBench } from './login.bench.js';
import { presenceBench } from './presence.bench.js';
import { reconnectBench } from './reconnect.bench.js';
import { searchBench } from './search.bench.js';
import { sfuBench } from './sfu.bench.js';
import { signallingBench } from './signalling.bench.js';

const only = process.argv[2];
if (!only || only === 'connect') await connectBench();
if (!only || only === 'login') await loginBench();
if (!only || only === 'signalling') await signallingBench();
if (!only || only === 'join-to-frame') await joinToFrameBench();
if (!only || only === 'element-join') await elementJoinBench();
if (!only || only === 'chat') await chatBench();
if (!only || only === 'presence') await presenceBench();
if (!only || only === 'search') await searchBench();
if (!only || only === 'element-size') await elementSizeBench();
if (!only || only === 'analytics') await analyticsBench();
if (!only || only === 'analytics-overhead') await analyticsOverheadBench();
if (!only || only === 'reconnect') await reconnectBench();
if (!only || only === 'sfu') await sfuBench();
