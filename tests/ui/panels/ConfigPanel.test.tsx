import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFIG_FIELDS, configField } from '../../../src/core/configCodec.ts';
import { parseTrainConfig } from '../../../src/core/trainConfig.ts';
import type { TrainConfig } from '../../../src/protocol/api.ts';
import { applyField, ConfigPanel, fieldApplies, parseFieldText } from '../../../src/ui/panels/ConfigPanel.tsx';

afterEach(cleanup);

function Harness({ initial, onChange }: { initial: TrainConfig; onChange?: (c: TrainConfig) => void }) {
  const [config, setConfig] = useState(initial);
  return (
    <ConfigPanel
      config={config}
      disabled={false}
      onChange={(c) => {
        setConfig(c);
        onChange?.(c);
      }}
    />
  );
}

describe('ConfigPanel', () => {
  it('labels every applicable control and gives each a one-line explanation', () => {
    const config = parseTrainConfig({ loss: { kind: 'arcface', scale: 64, marginDeg: 30 } });
    render(<ConfigPanel config={config} disabled={false} onChange={() => {}} />);
    for (const field of CONFIG_FIELDS.filter((f) => fieldApplies(config, f))) {
      const control = screen.getByLabelText(field.label, { exact: true });
      const help = document.getElementById(control.getAttribute('aria-describedby')!);
      expect(help?.textContent, field.path).toBe(field.help);
    }
    // The margin has a slider and a number box.
    expect(screen.getByLabelText('Angular margin m (°) slider')).toBeTruthy();
  });

  it('"Fallback past π" shows the engine default (on) when the config leaves it out, and unticking sets fallback: false', () => {
    const onChange = vi.fn();
    render(<Harness initial={parseTrainConfig({ loss: { kind: 'arcface', scale: 64, marginDeg: 60 } })} onChange={onChange} />);
    const box = screen.getByLabelText('Fallback past π', { exact: true }) as HTMLInputElement;
    expect(box.checked).toBe(true);
    fireEvent.click(box);
    expect(onChange.mock.lastCall?.[0].loss).toEqual({ kind: 'arcface', scale: 64, marginDeg: 60, fallback: false });
    expect(box.checked).toBe(false);
  });

  it('shows the margin only for margin losses and α only for intra', () => {
    const softmax = parseTrainConfig({});
    render(<ConfigPanel config={softmax} disabled={false} onChange={() => {}} />);
    expect(screen.queryByLabelText('Angular margin m (°)')).toBeNull();
    expect(screen.queryByLabelText('Intra weight α')).toBeNull();
  });

  it('switching the loss to ArcFace starts the margin at 30° and keeps s', () => {
    const onChange = vi.fn();
    render(<Harness initial={parseTrainConfig({ loss: { kind: 'softmax', scale: 32 } })} onChange={onChange} />);
    fireEvent.change(screen.getByLabelText('Loss', { exact: true }), { target: { value: 'arcface' } });
    expect(onChange.mock.lastCall?.[0].loss).toEqual({ kind: 'arcface', scale: 32, marginDeg: 30 });
    fireEvent.change(screen.getByLabelText('Angular margin m (°) slider'), { target: { value: '60' } });
    expect(onChange.mock.lastCall?.[0].loss.marginDeg).toBe(60);
    expect((screen.getByLabelText('Angular margin m (°)', { exact: true }) as HTMLInputElement).value).toBe('60');
  });

  it('keeps invalid typing out of the config and says why', () => {
    const onChange = vi.fn();
    render(<Harness initial={parseTrainConfig({})} onChange={onChange} />);
    const steps = screen.getByLabelText('Steps', { exact: true }) as HTMLInputElement;
    fireEvent.change(steps, { target: { value: '2.5' } });
    expect(onChange).not.toHaveBeenCalled();
    expect(steps.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Steps must be a whole number')).toBeTruthy();
    fireEvent.change(steps, { target: { value: '120' } });
    expect(onChange.mock.lastCall?.[0].steps).toBe(120);
    expect(steps.getAttribute('aria-invalid')).toBeNull();
  });

  it('parses field text by type and range', () => {
    expect(parseFieldText(configField('optimizer.lr')!, '0.05')).toBe(0.05);
    expect(parseFieldText(configField('optimizer.schedule.milestones')!, '100, 200')).toEqual([100, 200]);
    expect(parseFieldText(configField('batchSize')!, '1')).toBeInstanceOf(Error);
    expect(parseFieldText(configField('model.width')!, '')).toBeUndefined();
    expect(applyField(parseTrainConfig({}), configField('flipEval')!, false).flipEval).toBe(false);
  });
});
