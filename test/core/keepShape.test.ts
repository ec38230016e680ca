import { describe, expect, it } from 'vitest'
import { keepShape } from '../../src/core/keepShape'

describe('keepShape', () => {
  it('makes one object per class, at the first call, also when the constructor calls it again', () => {
    let made = 0
    class Hot {
      constructor() {
        made++
        keepShape(Hot, () => new Hot())
      }
    }
    new Hot()
    expect(made).toBe(2) // the object itself, and the kept one
    new Hot()
    new Hot()
    expect(made).toBe(4) // no more kept ones
  })

  it('keeps one object for each class', () => {
    const created: string[] = []
    class A {
      constructor() {
        keepShape(A, () => {
          created.push('A')
          return new A()
        })
      }
    }
    class B {
      constructor() {
        keepShape(B, () => {
          created.push('B')
          return new B()
        })
      }
    }
    new A()
    new B()
    new A()
    expect(created).toEqual(['A', 'B'])
  })
})
