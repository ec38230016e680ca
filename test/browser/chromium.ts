// Where the browser tier finds Chromium: test tools cannot download browsers here, so it uses Debian's.
import { existsSync } from 'node:fs'

/** Flags for a headless Chromium that talks to nothing but the tests' local servers. */
export const chromiumArgs = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** `CHROME_PATH`, or Debian's `/usr/bin/chromium`; throws saying how to install it when neither exists. */
export function chromiumPath(): string {
  const path = process.env.CHROME_PATH || '/usr/bin/chromium'
  if (!existsSync(path)) {
    throw new Error(
      `The browser tests need Chromium, and there is none at ${path}. Install Debian's \`chromium\` package ` +
        '(`apt-get install -y chromium`) or set CHROME_PATH to a Chromium or Chrome executable.',
    )
  }
  return path
}

/** Launch options for playwright's `chromium.launch` and vitest's playwright provider. */
export function chromiumLaunchOptions() {
  return { executablePath: chromiumPath(), args: chromiumArgs }
}
