// The budget year to show, chosen from the years the API has cycles for. A form with its own button, so
// choosing in the list changes nothing until asked (WCAG 3.2.2); both this slice's views use it.
import { useId, useState, type FormEvent } from 'react';

export function YearPicker({
  years,
  current,
  label,
  submit,
  className,
  onPick,
}: {
  years: number[];
  current: number | null;
  label: string;
  submit: string;
  className?: string | undefined;
  onPick: (year: number) => void;
}) {
  const id = useId();
  // A year without a cycle (an old link) is not in the list: nothing is preselected then.
  const listed = current !== null && years.includes(current);
  const [picked, setPicked] = useState(listed ? String(current) : '');
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (picked) onPick(Number(picked));
  };
  return (
    <form className={className} onSubmit={onSubmit}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={picked} onChange={(e) => setPicked(e.target.value)}>
        {!listed && <option value="">–</option>}
        {years.map((y) => (
          <option key={y} value={y}>
            {y}
          </option>
        ))}
      </select>
      <button type="submit">{submit}</button>
    </form>
  );
}
