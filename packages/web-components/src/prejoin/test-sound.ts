/** A short two-tone chime as a WAV data URL, made here so that nothing is fetched. */
export function testSoundUrl(): string {
  const rate = 22050;
  const seconds = 0.9;
  const samples = Math.floor(rate * seconds);
  const data = new DataView(new ArrayBuffer(44 + samples * 2));
  const text = (offset: number, value: string) => {
    for (let i = 0; i < value.length; i++) data.setUint8(offset + i, value.charCodeAt(i));
  };
  text(0, 'RIFF');
  data.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  data.setUint32(16, 16, true);
  data.setUint16(20, 1, true);
  data.setUint16(22, 1, true);
  data.setUint32(24, rate, true);
  data.setUint32(28, rate * 2, true);
  data.setUint16(32, 2, true);
  data.setUint16(34, 16, true);
  text(36, 'data');
  data.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) {
    const t = i / rate;
    const frequency = t < seconds / 2 ? 660 : 880;
    const local = t % (seconds / 2);
    const envelope = Math.min(1, local * 40) * Math.exp(-local * 6);
    const value = Math.sin(2 * Math.PI * frequency * t) * envelope * 0.45;
    data.setInt16(44 + i * 2, Math.round(value * 32767), true);
  }
  let binary = '';
  const bytes = new Uint8Array(data.buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `data:audio/wav;base64,${btoa(binary)}`;
}
