// Stand-in for androidx.lifecycle:lifecycle-process (not on the mirror this was checked with):
// the same signature as the real ProcessLifecycleOwner used by QorgauApp.
package androidx.lifecycle

class ProcessLifecycleOwner private constructor() : LifecycleOwner {
    override val lifecycle: Lifecycle get() = throw UnsupportedOperationException("stub")

    companion object {
        @JvmStatic fun get(): LifecycleOwner = throw UnsupportedOperationException("stub")
    }
}
