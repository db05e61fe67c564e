/* An empty ICU data library for the Linux bundle (build_installer.spec compiles it).
 *
 * Qt's Linux libraries link ICU, whose locale data library is 32 MB — a tenth of the app. Qt
 * uses ICU there only for collation, locale-aware case mapping and legacy text codecs, none of
 * which ArchiveLens calls (DuckDB sorts; text is UTF-8). This library has ICU's data entry point
 * with an empty table of contents, as ICU's own "stubdata" does: ICU then finds no data and
 * those calls report an error instead of answering. ICU_DATA_ENTRY is the versioned symbol name
 * (icudt73_dat for ICU 73), given on the compiler's command line.
 */
#include <stdint.h>

typedef struct {
    uint16_t size, reservedWord;
    uint8_t isBigEndian, charsetFamily, sizeofUChar, reservedByte;
    uint8_t dataFormat[4], formatVersion[4], dataVersion[4];
} UDataInfo;

typedef struct {
    uint16_t headerSize;
    uint8_t magic1, magic2;
    UDataInfo info;
    char padding[8];
    uint32_t count, reserved;
    uint32_t toc[2];
} IcuDataHeader;

__attribute__((visibility("default"))) const IcuDataHeader ICU_DATA_ENTRY = {
    32, 0xda, 0x27,
    {sizeof(UDataInfo), 0, 0, 0, 2, 0, {0x54, 0x6f, 0x43, 0x50}, {1, 0, 0, 0}, {0, 0, 0, 0}},
    {0}, 0, 0, {0, 0}};
