"""AIG4xx stub: placeholder or error-hiding code in place of logic.

A function whose body only passes, raises NotImplementedError or returns a constant beside a
TODO ships a promise instead of behaviour; a comment such as "in a real implementation" admits
it; a handler that discards every exception hides the failures that would reveal it.

Policies (what stays silent, and why):

* Interfaces are not stubs: `@abstractmethod`, `@overload`, classes deriving from `ABC` or
  `Protocol` (or with `metaclass=ABCMeta`), `.pyi` files, TypeScript `declare`, interfaces and
  abstract members (they have no body), methods of TypeScript abstract classes, and a base-class
  method that a subclass in the repository overrides (found through a run-wide class index).
* An empty body with a comment saying why (three words or more, or an intent word such as
  "intentionally", "no-op", "ignore", "nothing", "best effort") is a deliberate no-op; a
  TODO/FIXME or placeholder comment makes it a stub whatever else holds. Without one, these may
  be empty or raise: dunder methods (`__exit__`, a `__len__` that raises), functions nested in
  functions (callbacks), conditional definitions (under a module-level `if`/`try`: platform and
  optional-dependency fallbacks, `if TYPE_CHECKING:`), functions named `noop`/`do_nothing`,
  methods of classes named as stand-ins (`Null*`, `NoOp*`, `No<Name>`, `Fake*`, `Dummy*`,
  `Stub*`, `Mock*`, `ReadOnly*`, `Disabled*`), and docstring-only functions whose docstring
  runs to three lines or more (a documented hook specification). A body that only returns a
  placeholder value (None, a boolean, zero, an empty string or container) is a stub only beside
  a TODO/placeholder comment (inside the function or right above it); `return 30  # TODO: make
  it configurable` is an implementation with a note.
* Error hiding: a handler for everything (`except:`, `except Exception`/`BaseException`, a tuple
  containing them, `contextlib.suppress(Exception)`, JS `catch`) whose body only discards the
  error (`pass`, `...`, `continue`, `return None`; `{}`, `() => null`) is flagged unless a comment
  explains it (inside the handler, after its colon, or in the comment block right above the
  `try`/`with`). Narrow exception types (`except FileNotFoundError: pass`,
  `except (KeyboardInterrupt, BrokenPipeError): pass`) are a decision about one known failure
  and stay silent, as does any handler that logs, re-raises or uses the exception, and any
  handler in a `__del__` (an exception cannot leave a finalizer anyway). In JS/TS a catch whose
  only statement returns a fallback constant (`return []`, `return null`, `return { exists:
  false }`, `.catch(() => [])`) without reading the error is flagged too; format probes
  (`JSON.parse(text)`) whose fallback is their contract stay silent, success probes (`await
  access(p); return true` / `return false`) and clean-up code are notes. A comment is a reason
  only if it says why: words that restate the handler or name the guarded call do not count.
* TypeScript classes implementing a first-party interface: a required member left as `{}`,
  `() => {}` or `noop` is a stub (stand-in classes and explained ones aside).
* Findings land on a line the change touched: the stub statement (or the `def` line when only
  the signature changed), the `except`/`catch` line (or the handler's body when only that
  changed). A stub the change did not touch is not reported.
"""
