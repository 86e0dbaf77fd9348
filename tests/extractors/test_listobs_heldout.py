"""listobs variants met in a held-out check on real files (session 5): a concatenated MS whose
``concat`` merged one calibrator under two spellings of its name, and the WVR window.

The listings are hand-written in the column layout casacore's MSSummary prints (CASA 4.x
``listfile=``), with made-up names and values.
"""

from __future__ import annotations

from pathlib import Path

from qa2docs.extractors.listobs import ListobsExtractor
from qa2docs.models.facts import Fact

HEAD = """\
================================================================================
           MeasurementSet Name:  /data/concat_two_ebs.ms      MS Version 2
================================================================================
   Observer: someone     Project: uid://A001/X1/X2  
Observation: ALMA
Data records: 3000       Total elapsed time = 90000 seconds
   Observed from   06-Dec-2014/14:00:00.0   to   07-Dec-2014/15:00:00.0 (UTC)

   ObservationID = 0         ArrayID = 0
  Date        Timerange (UTC)          Scan  FldId FieldName             nRows     SpwIds   Average Interval(s)    ScanIntent
  06-Dec-2014/14:00:00.0 - 14:05:00.0     4      0 J1733-1304                 500  [0]  [6.05] [CALIBRATE_BANDPASS#ON_SOURCE]
              14:06:00.0 - 14:10:00.0     6      1 SgrX                       500  [0]  [6.05] [OBSERVE_TARGET#ON_SOURCE]

   ObservationID = 1         ArrayID = 0
  Date        Timerange (UTC)          Scan  FldId FieldName             nRows     SpwIds   Average Interval(s)    ScanIntent
  07-Dec-2014/14:00:00.0 - 14:05:00.0     3      0 J1733-1304                1000  [1]  [6.05] [CALIBRATE_BANDPASS#ON_SOURCE]
              14:06:00.0 - 14:10:00.0     5      1 SgrX                      1000  [1]  [6.05] [OBSERVE_TARGET#ON_SOURCE]
           (nRows = Total number of rows per scan) 
Fields: 2
  ID   Code Name                RA               Decl           Epoch   SrcId      nRows
  0    none J1733-1304          17:33:02.705790 -13.04.49.54820 J2000   0           1500
  1    none SgrX                17:47:20.000000 -28.23.00.00000 J2000   1           1500
Spectral Windows:  (2 unique spectral windows and 1 unique polarization setups)
  SpwID  Name                           #Chans   Frame   Ch0(MHz)  ChanWid(kHz)  TotBW(kHz) CtrFreq(MHz) BBC Num  Corrs
  0      ALMA_RB_03#BB_1#SW-01#FULL_RES   3840   TOPO   92220.885      -488.281   1875000.0  91283.5068        1  XX  YY
  1      ALMA_RB_03#BB_1#SW-01#FULL_RES   3840   TOPO   92220.885      -488.281   1875000.0  91283.5068        1  XX  YY
Sources: 4
  ID   Name                SpwId RestFreq(MHz)  SysVel(km/s) 
  0    J1733-1304          0     91300          0            
  1    SgrX                0     91300          0            
  2    J1733-130           1     91300          0            
  3    SgrX                1     91300          0            
Antennas: 2:
  ID   Name  Station   Diam.    Long.         Lat.                Offset from array center (m)                ITRF Geocentric coordinates (m)        
                                                                     East         North     Elevation               x               y               z
  0    DA41  A137      12.0 m   -067.45.15.2  -22.53.22.7         71.1244     -540.4396       21.1177  2225135.803529 -5440103.908834 -2481535.957701
  1    DA42  A050      12.0 m   -067.45.16.2  -22.53.23.7         51.1244     -560.4396       21.1177  2225115.803529 -5440123.908834 -2481555.957701
"""

WVR = """\
================================================================================
           MeasurementSet Name:  /data/uid___A002_X1_X2.ms      MS Version 2
================================================================================
   Observer: someone     Project: uid://A001/X1/X2  
Observation: ALMA
Data records: 100       Total elapsed time = 300 seconds
   Observed from   06-Dec-2016/14:00:00.0   to   06-Dec-2016/14:05:00.0 (UTC)

   ObservationID = 0         ArrayID = 0
  Date        Timerange (UTC)          Scan  FldId FieldName             nRows     SpwIds   Average Interval(s)    ScanIntent
  06-Dec-2016/14:00:00.0 - 14:05:00.0     1      0 J0510+1800                 100  [0,1,2]  [1.15, 1.15, 1.15] [CALIBRATE_WVR#ON_SOURCE,OBSERVE_TARGET#ON_SOURCE]
           (nRows = Total number of rows per scan) 
Fields: 1
  ID   Code Name                RA               Decl           Epoch   SrcId      nRows
  0    none J0510+1800          05:10:02.369000 +18.00.41.58200 ICRS    0            100
Spectral Windows:  (3 unique spectral windows and 2 unique polarization setups)
  SpwID  Name                                       #Chans   Frame   Ch0(MHz)  ChanWid(kHz)  TotBW(kHz) CtrFreq(MHz) BBC Num  Corrs  
  0      BB_1#SQLD                                       1   TOPO  343500.000   2000000.000   2000000.0 343500.0000        1  XX  YY
  1      WVR#NOMINAL                                     4   TOPO  184550.000   1500000.000   7500000.0 187550.0000        0  I
  2      X904107190#ALMA_RB_07#BB_1#SW-01#FULL_RES    1920   TOPO  344500.000       976.562   1875000.0 343563.0000        1  XX  YY
Antennas: 1:
  ID   Name  Station   Diam.    Long.         Lat.                Offset from array center (m)                ITRF Geocentric coordinates (m)        
                                                                     East         North     Elevation               x               y               z
  0    DA41  A137      12.0 m   -067.45.15.2  -22.53.22.7         71.1244     -540.4396       21.1177  2225135.803529 -5440103.908834 -2481535.957701
"""


def run(path: Path, text: str) -> tuple[dict[str, Fact], list[str]]:
    path.write_text(text)
    extractor = ListobsExtractor()
    facts = {f.field: f for f in extractor.extract(path)}
    return facts, [str(w) for w in extractor.warnings]


def test_concat_name_variant_is_no_selection(tmp_path: Path) -> None:
    """``concat`` kept the first EB's field name J1733-1304; the second EB's SOURCE row
    J1733-130 is the same calibrator, not a field left out by a selection."""
    facts, warnings = run(tmp_path / "concat_two_ebs.ms.listobs", HEAD)
    assert not [w for w in warnings if "selection" in w]
    assert [f["name"] for f in facts["fields"].value] == ["J1733-1304", "SgrX"]
    assert len(facts["scans"].value) == 4
    assert facts["fields_by_intent"].value["CALIBRATE_BANDPASS"] == ["J1733-1304"]


def test_concat_still_tells_a_field_selection(tmp_path: Path) -> None:
    """A name no listed field spells (not a lengthening nor a shortening) still marks a
    selection, concatenation or not."""
    text = HEAD.replace("  2    J1733-130 ", "  2    J1924-2914")
    facts, warnings = run(tmp_path / "concat_two_ebs.ms.listobs", text)
    assert any("the Sources table names J1924-2914, absent" in w for w in warnings)
    assert "scans" not in facts


def test_single_eb_name_variant_stays_a_selection(tmp_path: Path) -> None:
    """Outside a concatenation the name-variant excuse does not apply."""
    first, _, rest = HEAD.partition("\n   ObservationID = 1")
    one_obs = first + "\n" + rest.partition("(nRows = Total number of rows per scan) \n")[2]
    _, warnings = run(tmp_path / "one_eb.ms.listobs", one_obs)
    assert any("the Sources table names J1733-130, absent" in w for w in warnings)


def test_wvr_window_has_no_band(tmp_path: Path) -> None:
    """The 183 GHz WVR window lies inside Band 5's range but no Band 5 receiver took it."""
    facts, _ = run(tmp_path / "uid___A002_X1_X2.ms.listobs", WVR)
    bands = {s["name"]: s["band"] for s in facts["all_spws"].value}
    assert bands == {"BB_1#SQLD": 7, "WVR#NOMINAL": None,
                     "X904107190#ALMA_RB_07#BB_1#SW-01#FULL_RES": 7}
    assert facts["bands"].value == [7]


def test_listing_cut_off_in_its_scans_tells_no_scans(tmp_path: Path) -> None:
    """A listfile truncated inside its scan table (a partial copy): its header still tells the
    MS, observer and times, but its scans are only the first ones; they were given as the
    EB's scans, without a word."""
    cut = HEAD.split("   ObservationID = 1")[0]
    facts, warnings = run(tmp_path / "concat_two_ebs.ms.listobs", cut)
    assert {"scans", "fields_by_intent", "bandwidth_switching"}.isdisjoint(facts)
    assert facts["observer"].value == "someone" and "observation" in facts
    assert warnings == ["concat_two_ebs.ms.listobs:12: listobs cut off in its scan table "
                        "(no Fields table follows): not used for bandwidth_switching, "
                        "fields_by_intent, scans"]
