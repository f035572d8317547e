/** Runs every benchmark in turn; each prints its figures beside its baseline. */
import { connectBench } from './connect.bench.js';
import { loginBench } from './login.bench.js';

const only = process.argv[2];
if (!only || only === 'connect') await connectBench();
if (!only || only === 'login') await loginBench();
