import { experimental_streamedQuery as streamedQuery, useQuery } from '@tanstack/react-query'
import { createEventStream } from 'typed-sse'

type PriceEvents = { price: { symbol: string; value: number }; halt: { reason: string } }

export function usePrices(symbol: string) {
  return useQuery({
    queryKey: ['prices', symbol],
    queryFn: streamedQuery({
      // Aborting `signal` (the query is cancelled, or its last observer unmounts) closes the stream.
      streamFn: async function* ({ signal }) {
        const stream = createEventStream<PriceEvents>(`/prices/${symbol}`, { signal })
        for await (const event of stream) {
          if (event.type === 'price') yield event.data.value
        }
      },
    }),
    // The stream reconnects and resumes by itself: a refetch would start it over, and a retry would only
    // come after the stream gave up. While the stream is open the query stays `fetching`.
    refetchOnWindowFocus: false,
    retry: false,
  })
}

export function PriceChart({ symbol }: { symbol: string }) {
  const { data = [], error } = usePrices(symbol)
  if (error) return <p role="alert">{error.message}</p>
  return <p>{data.join(' → ')}</p>
}
