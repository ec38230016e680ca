import useSWRSubscription from 'swr/subscription'
import { subscribe } from 'typed-sse'

type PriceEvents = { price: { symbol: string; value: number } }

export function useLastPrice(symbol: string) {
  // SWR shares one subscription per key; `subscribe` returns the function that ends it.
  return useSWRSubscription(['prices', symbol], ([, name], { next }) =>
    subscribe<PriceEvents>(
      `/prices/${name}`,
      { price: (price) => next(null, price.value) },
      { onError: (error) => next(error) },
    ),
  )
}

export function LastPrice({ symbol }: { symbol: string }) {
  const { data, error } = useLastPrice(symbol)
  if (error) return <p role="alert">{error.message}</p>
  return <p>{data ?? '…'}</p>
}
