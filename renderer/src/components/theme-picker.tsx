import { THEME_CHOICES, THEME_LABELS, type ThemeControl } from '../lib/theme.ts'
import '../styles/theme-picker.css'

interface ThemePickerProps {
  readonly control: ThemeControl
}

/**
 * A labelled native select: keyboard, screen readers and forced colours work without help.
 * "System" names what the OS asks for now, so the viewer sees what following it gives.
 */
export function ThemePicker({ control }: ThemePickerProps) {
  return (
    <label className="theme-picker">
      <span className="theme-swatch" aria-hidden="true" />
      <span className="theme-picker-label">Theme</span>
      <select
        className="theme-picker-select"
        data-testid="theme-picker"
        value={control.choice}
        onChange={(event) => {
          const next = THEME_CHOICES.find((choice) => choice === event.target.value)
          if (next !== undefined) control.choose(next)
        }}
      >
        {THEME_CHOICES.map((choice) => (
          <option key={choice} value={choice}>
            {choice === 'system'
              ? `${THEME_LABELS.system} (${THEME_LABELS[control.system]})`
              : THEME_LABELS[choice]}
          </option>
        ))}
      </select>
    </label>
  )
}
