import { describe, expect, it } from 'vitest';
import type { Participant } from '../participant/Participant.js';
import { ActiveSpeakerDetector } from './ActiveSpeakerDetector.js';

// Participants reduced to what the detector touches: an id and setSpeaking().
function fakeParticipant(id: string) {
  const state = { id, speaking: false, level: 0 };
  const participant = {
    id,
    setSpeaking(speaking: boolean, level: number) {
      state.speaking = speaking;
      state.level = level;
    },
  } as unknown as Participant;
  return { participant, state };
}

function setup() {
  const ann = fakeParticipant('ann');
  const ben = fakeParticipant('ben');
  const levels = new Map<Participant, number>();
  const detector = new ActiveSpeakerDetector(
    { participants: () => [ann.participant, ben.participant], levelOf: (p) => levels.get(p) ?? 0 },
    { threshold: 0.1, hangoverMs: 500 },
  );
  return { ann, ben, levels, detector };
}

describe('ActiveSpeakerDetector', () => {
  it('reports a change only when the list of speakers changes', () => {
    const { ann, levels, detector } = setup();
    expect(detector.sample(0)).toBe(false);
    levels.set(ann.participant, 0.5);
    expect(detector.sample(100)).toBe(true);
    expect(detector.speakers).toEqual([ann.participant]);
    expect(ann.state).toEqual({ id: 'ann', speaking: true, level: 0.5 });
    expect(detector.sample(200)).toBe(false);
  });

  it('keeps a speaker through a pause shorter than the hangover, then drops it', () => {
    const { ann, levels, detector } = setup();
    levels.set(ann.participant, 0.5);
    detector.sample(0);
    levels.set(ann.participant, 0);
    expect(detector.sample(400)).toBe(false);
    expect(detector.speakers).toEqual([ann.participant]);
    expect(detector.sample(600)).toBe(true);
    expect(detector.speakers).toEqual([]);
    expect(ann.state.speaking).toBe(false);
  });

  it('orders speakers loudest first', () => {
    const { ann, ben, levels, detector } = setup();
    levels.set(ann.participant, 0.2);
    levels.set(ben.participant, 0.9);
    detector.sample(0);
    expect(detector.speakers).toEqual([ben.participant, ann.participant]);
  });

  it('ignores levels at or below the threshold', () => {
    const { ann, levels, detector } = setup();
    levels.set(ann.participant, 0.1);
    expect(detector.sample(0)).toBe(false);
    expect(ann.state.speaking).toBe(false);
  });
});
