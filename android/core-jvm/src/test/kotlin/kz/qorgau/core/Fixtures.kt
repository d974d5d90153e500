package kz.qorgau.core

import kz.qorgau.ffi.DeviceProfile
import kz.qorgau.ffi.TeamMember
import kz.qorgau.ffi.TeamRole
import java.awt.image.BufferedImage
import java.io.File
import javax.imageio.ImageIO

/** Synthetic people and media only. */
object Fixtures {
    val officer = TeamMember(TeamRole.OFFICER, "Aibek Demoulin", "KZ-DEMO-0417")
    val profile = DeviceProfile(label = "JVM test phone", unit = "DV team 3 (synthetic)", officer = officer)
    const val SURVIVOR_IIN = "940312402103"
    const val AGGRESSOR_IIN = "901102303307"
    const val INVALID_IIN = "940312402109"

    /** A JPEG written by javax.imageio: a gradient, [w]×[h]. */
    fun jpeg(file: File, w: Int = 1600, h: Int = 1200): File {
        val img = BufferedImage(w, h, BufferedImage.TYPE_INT_RGB)
        for (y in 0 until h) for (x in 0 until w) img.setRGB(x, y, ((x * 255 / w) shl 16) or ((y * 255 / h) shl 8) or 0x80)
        check(ImageIO.write(img, "jpg", file))
        return file
    }
}
