"""Stable reason codes: what a check found, how much it weighs, and how it reads in Vietnamese.

Codes are kebab-case and never renamed (other tools read them). A finding's severity is chosen by
the rule that raises it: `error` decides the verdict, `warning` only informs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

# what a clerk reads beside a code in a terminal's lines (the codes stay as they are: other tools read them)
VERDICT_WORDS: dict[str, str] = {"accepted": "tiếp nhận", "duplicate": "trùng", "returned": "trả lại",
                                 "quarantined": "cần kiểm tra", "ignored": "bỏ qua"}
ENTRY_WORDS: dict[str, str] = {"resolved": "tìm được", "ambiguous": "nhiều cơ quan", "unresolved": "không tìm được",
                               "skipped": "bỏ qua"}
RECIPIENT_WORDS: dict[str, str] = {"queued": "chờ gửi", "sent": "đã gửi", "acknowledged": "đã báo nhận",
                                   "returned": "bị trả lại", "failed": "gửi không được",
                                   "withdrawn": "thu hồi trước khi gửi, không gửi"}


def worded(code: str, words: dict[str, str]) -> str:
    """A code with its Vietnamese words ("accepted (tiếp nhận)"); a code without words as it is."""
    return f"{code} ({words[code]})" if code in words else code


MESSAGES: dict[str, str] = {
    "sender-unauthenticated": "Không xác thực được địa chỉ gửi (không có DKIM/DMARC hợp lệ hay xác nhận đăng nhập của máy chủ thư).",
    "sender-not-official": "Địa chỉ gửi không phải hộp thư Văn thư của cơ quan nào trong danh bạ.",
    "sender-not-issuer": "Hộp thư gửi không phải hộp thư Văn thư của cơ quan ban hành văn bản.",
    "forged-authentication-results": "Thư mang kết quả xác thực (Authentication-Results) giả danh máy chủ thư của tỉnh: không tin địa chỉ gửi.",
    "signer-not-issuer": "Chữ ký số trên văn bản không phải của cơ quan ban hành (hay cơ quan sao) văn bản.",
    "issuer-from-certificate": "Không đọc được tên cơ quan ban hành trên văn bản: lấy theo chứng thư số của cơ quan đã ký.",
    "issuer-unread": "Không đọc được tên cơ quan ban hành trên văn bản.",
    "wrong-recipient": "Văn bản không gửi đến cơ quan chúng tôi (gửi nhầm nơi nhận).",
    "no-document": "Thư không kèm tệp văn bản PDF.",
    "unsupported-attachment": "Thư kèm tệp không được phép (tệp chạy được, tập lệnh, tệp nén hoặc tài liệu có macro).",
    "pdf-unreadable": "Không mở được tệp PDF (tệp hỏng hoặc có mật khẩu).",
    "pdf-repaired": "Tệp PDF hỏng cấu trúc (bảng tham chiếu chéo) đã được sửa khi mở; mọi trang vẫn đọc được trọn vẹn.",
    "signature-invalid": "Chữ ký số không toàn vẹn: nội dung văn bản không khớp với chữ ký.",
    "signature-modified": "Văn bản đã bị sửa đổi sau khi ký số.",
    "signature-untrusted": "Chứng thư số của người ký không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy.",
    "certificate-expired": "Chứng thư số của người ký đã hết hạn tại thời điểm kiểm tra.",
    "signed-outside-validity": "Dấu thời gian chứng minh văn bản được ký khi chứng thư số của người ký chưa có hiệu lực hoặc đã hết hạn: chữ ký không có giá trị (Điều 9 khoản 1 Nghị định 130/2018/NĐ-CP).",
    "certificate-revoked": "Chứng thư số của người ký đã bị thu hồi.",
    "certificate-revoked-after-signing": "Chứng thư số của người ký bị thu hồi sau thời điểm ký (dấu thời gian chứng minh văn bản được ký khi chứng thư còn hiệu lực; lý do thu hồi không phải lộ khóa): chữ ký vẫn có giá trị.",
    "revocation-unknown": "Không kiểm tra được tình trạng thu hồi của chứng thư số (danh sách thu hồi thiếu hoặc quá hạn).",
    "secret-document": "Văn bản mật không được gửi, nhận qua thư điện tử.",
    "duplicate": "Văn bản này đã được tiếp nhận trước đó.",
    "auto-submitted": "Thư tự động (trả lời tự động, báo lỗi chuyển thư, thư hàng loạt): không xử lý.",
    "no-legal-value": "Văn bản không có giá trị pháp lý: không có chữ ký số hợp lệ và không gửi từ hộp thư Văn thư của cơ quan ban hành.",
    "mail-too-large": "Thư vượt quá dung lượng cho phép.",
    "too-many-files": "Thư có quá nhiều tệp đính kèm: không xử lý; đề nghị gửi lại, mỗi văn bản một thư.",
    "processing-failed": "Hệ thống không xử lý được tệp trong thời gian và bộ nhớ cho phép; cần Văn thư kiểm tra.",
    "returned-by-clerk": "Văn thư trả lại sau khi kiểm tra",
    "peer-answer": "Thư trả lời hoặc thông báo về văn bản (xác nhận, trả lại, thu hồi), không kèm văn bản mới.",
    "answer-with-files": "Thư trả lời về văn bản đã gửi có kèm tệp: văn thư xem các tệp kèm theo.",
    "recalled": "Văn bản đã bị cơ quan ban hành thu hồi.",
    "year-closed": "Thư nhận trong năm mà sổ đăng ký văn bản đến đã khóa (đã in, ký và khóa sổ): không cấp số vào sổ năm đó; Văn thư xem xét, trả lại hoặc bỏ qua.",
    "document-unread": "Không đọc được gì trên trang đầu của văn bản (không có tên cơ quan, số, ngày, tên loại: trang trắng, quét ngược hoặc tệp hỏng): không đăng ký văn bản trống; đề nghị gửi lại bản rõ.",
    "hidden-text": "Lớp chữ của văn bản có chữ không hiện trên trang (chữ trắng, trong suốt, quá nhỏ hoặc bị che): nội dung đọc được có thể khác điều người xem thấy; đề nghị gửi lại tệp đúng.",
    "not-issued": "Văn bản chưa được cấp số hoặc ngày ban hành (để trống trên văn bản điện tử, không chữ ký số nào điền vào): chưa phải văn bản đã phát hành; đề nghị gửi bản đã cấp số, ngày.",
    "date-impossible": "Ngày ban hành ghi trên văn bản không có thật: văn bản được đăng ký, ngày văn bản để trống đến khi Văn thư xác định ngày đúng.",
    "date-after-signing": "Ngày ban hành ghi trên văn bản sau ngày ký số văn bản: văn bản được đăng ký theo ngày ghi trên văn bản; Văn thư nơi nhận đối chiếu.",
    "date-after-receipt": "Ngày ban hành ghi trên văn bản sau ngày nhận được văn bản: văn bản được đăng ký theo ngày ghi trên văn bản; Văn thư nơi nhận đối chiếu.",
    "number-mismatch": "Số hoặc ngày của văn bản khác với điều thư ghi (tiêu đề thư, tên tệp): Văn thư kiểm tra; đăng ký theo văn bản.",
    # reading: what the document says of itself that does not hold together
    "type-mismatch": "Ký hiệu văn bản viết tắt tên loại khác với tên loại in trên văn bản.",
    # outgoing: why a send is held for the clerk
    "no-recipient-block": "Không tìm thấy khối 'Nơi nhận' trên văn bản: không biết gửi cho ai.",
    "no-electronic-subheading": "Khối 'Nơi nhận' không có mục 'Bản điện tử': Văn thư xác nhận nơi nhận bản điện tử.",
    "entries-unresolved": "Có nơi nhận không tìm được, hoặc ứng với nhiều cơ quan, trong danh bạ: Văn thư chọn cơ quan.",
    "recipient-former-name": "Nơi nhận ghi tên cũ của cơ quan (trước sắp xếp năm 2025): gửi đến cơ quan kế thừa.",
    "no-electronic-recipient": "Không có nơi nhận nào nhận bản điện tử.",
    "already-sent": "Văn bản này đã được gửi trước đây.",
    "number-lookalike": "Số, ký hiệu trong văn bản có chữ của bảng chữ khác vẽ giống chữ Latinh: để trống, không đăng ký theo số này.",
    "name-lookalike": "Tên cơ quan ban hành trong lớp chữ của văn bản có chữ không có trong tiếng Việt (chữ của bảng chữ khác vẽ giống chữ Latinh, hoặc chữ không hiện): tên đọc được không phải tên trên trang.",
    "sent-before": "Đã gửi trước đây một văn bản cùng số, ký hiệu và ngày (tệp khác): kiểm tra có phải gửi lại không.",
    "number-used": "Số, ký hiệu này đã dùng trong năm cho văn bản ngày khác (mỗi số chỉ một văn bản trong năm): kiểm tra số của văn bản.",
    "not-our-document": "Văn bản không phải của cơ quan mình ban hành (tên cơ quan ban hành hoặc chữ ký số là của cơ quan khác): không ký, không gửi; muốn chuyển tiếp thì ban hành văn bản chuyển của cơ quan mình.",
    "signed-then-changed": "Tệp đã bị sửa sau khi ký số (có bản sửa đổi không ký, hoặc chữ ký của người khác, sau chữ ký): không ký lại, không gửi; Văn thư gửi tệp đúng như đã ký.",
    "several-documents": "Thư trong thư mục gửi đi kèm nhiều văn bản hoặc nhiều bản dự thảo, hoặc tệp PDF nhúng tệp khác: không gửi; mỗi thư một văn bản (một tệp PDF, kèm dự thảo nếu có), không nhúng tệp vào PDF.",
    "not-the-clerks": "Thư trong thư mục gửi đi không phải do Văn thư đặt vào (người gửi khác, hoặc thư từ bên ngoài không chứng minh được người gửi): không ký, không gửi. Văn thư tự gửi thư cho mình, hoặc dùng lệnh gửi.",
    "hidden-layers": "Tệp có lớp nội dung (layer) ẩn khi xem, hoặc hiện khác đi khi in: hệ thống không ký, không gửi điều Văn thư không thấy; Văn thư xuất lại tệp PDF không có lớp ẩn.",
}


@dataclass(frozen=True)
class Reason:
    code: str
    severity: Severity
    detail: str = ""

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise ValueError(f"unknown reason code {self.code!r}")

    @property
    def message(self) -> str:
        text = MESSAGES[self.code]
        return f"{text} ({self.detail})" if self.detail else text

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "Reason":
        """The reason `as_json` wrote (kept in the register): its detail is what the message adds in brackets."""
        text, message = MESSAGES[value["code"]], value["message"]
        detail = message[len(text) + 2:-1] if message.startswith(f"{text} (") and message.endswith(")") else ""
        return cls(value["code"], value["severity"], detail)


# What a reason adds to its message, as far as a line of the clerk's list goes: a mail's own reasons stand in each of
# its documents (red team 22: 60 documents, each repeating 60 refused files' names, one outcome of 84 MB)
DETAIL_CHARACTERS = 500


def error(code: str, detail: str = "") -> Reason:
    return Reason(code, "error", detail[:DETAIL_CHARACTERS])


def warning(code: str, detail: str = "") -> Reason:
    return Reason(code, "warning", detail[:DETAIL_CHARACTERS])
