/** The answer of the "Chat answer that survives a cut" story's mock model (also read by its Chromium check). */
export const chatAnswer =
  'A resumable answer streams with an id on every chunk. When the connection breaks, the client asks the ' +
  'server for the chunks after the last id it got, and the server, which kept generating, sends the rest: ' +
  'the text ends exactly as it would have without the cut, with no token lost and none twice.'
