// Reading numbers out of page text written for people ("8 / 8 điểm", "Hạng 1", "7,5").

/** Every number in `text`, decimal commas (vi) or points (en) accepted. */
export function numbersIn(text) {
  return [...String(text).matchAll(/\d+(?:[.,]\d+)?/g)].map((m) => Number(m[0].replace(',', '.')));
}

export async function textOf(locator) {
  return (await locator.textContent())?.replace(/\s+/g, ' ').trim() ?? '';
}
